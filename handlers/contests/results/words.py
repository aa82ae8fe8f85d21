"""The Russian words of the contest documents, handed to services.contests.documents."""

from __future__ import annotations

from functools import cache

from bot.texts.contests import results as r
from bot.texts.contests import rules
from services.contests.documents import DiplomaWords, EntryWords, ProtocolWords


@cache
def entry_words() -> EntryWords:
    return EntryWords(
        header=r.ENTRIES_HEADER,
        categories=rules.CATEGORY_NAMES,
        grade=rules.GRADE_NAME,
        statuses=rules.ENTRY_STATUS_NAMES,
        late=r.LATE,
        degrees=r.DEGREE_NAMES,
        participation=r.PARTICIPATION,
    )


@cache
def protocol_words() -> ProtocolWords:
    return ProtocolWords(
        title=r.PROTOCOL_TITLE,
        subtitle=r.PROTOCOL_SUBTITLE,
        score_header=r.PROTOCOL_SCORE_HEADER,
        total=r.PROTOCOL_TOTAL,
        counted=r.PROTOCOL_COUNTED,
        summary_header=r.PROTOCOL_SUMMARY_HEADER,
        yes=r.PROTOCOL_YES,
        no=r.PROTOCOL_NO,
        not_counted=r.PROTOCOL_NOT_COUNTED,
        no_scores=r.NO_SCORES,
        criterion=r.PROTOCOL_CRITERION,
        juror_fallback=r.JUROR_FALLBACK,
        jury_sheet=r.PROTOCOL_JURY_SHEET,
        jury_header=r.PROTOCOL_JURY_HEADER,
        juror_short=r.PROTOCOL_JUROR_SHORT,
        pdf_header=r.PROTOCOL_PDF_HEADER,
        ties=r.PROTOCOL_TIES,
        tie_item=r.TIE_ITEM,
        unscored=r.PROTOCOL_UNSCORED,
        silent=r.PROTOCOL_SILENT,
        legend=r.PROTOCOL_LEGEND,
        signatures=r.PROTOCOL_SIGNATURES,
        degrees=r.DEGREE_NAMES,
        participation=r.PARTICIPATION,
        empty=r.PROTOCOL_EMPTY,
    )


@cache
def diploma_words() -> DiplomaWords:
    return DiplomaWords(
        degrees=r.DIPLOMA_DEGREES,
        certificate=r.CERTIFICATE,
        awarded=r.DIPLOMA_AWARDED,
        given=r.DIPLOMA_GIVEN,
        supervisor=r.DIPLOMA_SUPERVISOR,
        of_participant=r.DIPLOMA_OF_PARTICIPANT,
        of_participants=r.DIPLOMA_OF_PARTICIPANTS,
        stage=r.DIPLOMA_STAGE,
        nomination=r.DIPLOMA_NOMINATION,
        number=r.DIPLOMA_NUMBER,
        file_name=r.DIPLOMA_FILE,
    )
