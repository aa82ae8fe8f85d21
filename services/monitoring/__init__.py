"""The annual monitoring (roadmap item 19), its pure core: the questionnaire as data
(questionnaire), the checks of typed answers (answers) and the library indicators (indicators).

Nothing here touches the database or Telegram: the round, the drafts and the documents call
these functions with plain values.
"""
