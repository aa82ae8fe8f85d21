"""The bot-side renderer of planned messages: Russian texts and packed callback data."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from zoneinfo import ZoneInfo

from bot.texts import reminders as r
from bot.texts.documents import files_button
from bot.texts.events import of_schools
from bot.toolkit.callbacks import MonAction, MonCb, ReminderAction, ReminderCb, TaskAction, TaskCb
from bot.toolkit.contest_callbacks import EntryAction, EntryCb
from bot.toolkit.keyboards import Buttons
from bot.toolkit.screens import hq
from models import Event
from services.answered import Holder
from services.outbox import Button
from services.reminders import Step
from services.timeutil import fmt_date, fmt_local


def _seminar_head(event: Event) -> str:
    named = "семинар" in event.title.casefold()
    return (r.SEMINAR_HEAD_NAMED if named else r.SEMINAR_HEAD).format(title=escape(event.title))


class RussianRenderer:
    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz

    def _deadline(self, event: Event) -> str:
        return fmt_local(event.deadline_at, self.tz)

    def _answer(self, event: Event, holder: Holder | None) -> Button:
        """The button that answers the event: an entry for a contest, the questionnaire for a
        monitoring round, else a confirmation."""
        if holder is not None and holder.kind == "contest":
            return Button(
                r.BTN_ENTER, EntryCb(action=EntryAction.CARD, contest_id=holder.id).pack()
            )
        if holder is not None and holder.kind == "round":
            return Button(r.BTN_FILL, MonCb(action=MonAction.FILL, round_id=holder.id).pack())
        return Button(r.BTN_CONFIRM, TaskCb(action=TaskAction.CONFIRM, event_id=event.id).pack())

    def reminder(
        self, event: Event, step: Step, last: bool, holder: Holder | None = None
    ) -> tuple[str, Buttons]:
        kind = holder.kind if holder is not None else ""
        if kind == "contest":
            template = r.CONTEST_REMINDER_LAST if last else r.CONTEST_REMINDER
        elif kind == "round":
            template = r.MONITORING_REMINDER_LAST if last else r.MONITORING_REMINDER
        else:
            template = r.REMINDER_LAST if last else r.REMINDER
        text = template.format(title=hq(event.title), deadline=self._deadline(event))
        confirm = self._answer(event, holder)
        if last:
            return text, ((confirm,),)
        snooze = Button(
            r.BTN_SNOOZE, ReminderCb(action=ReminderAction.SNOOZE, event_id=event.id).pack()
        )
        return text, ((confirm,), (snooze,))

    def seminar(self, event: Event, step: Step, files: int = 0) -> tuple[str, Buttons]:
        return self.invitation(event, tomorrow=step.key == "s1", files=files)

    def invitation(
        self,
        event: Event,
        *,
        tomorrow: bool = False,
        answer: bool | None = None,
        files: int = 0,
    ) -> tuple[str, Buttons]:
        """A seminar's invitation; once answered, the same details with the answer shown.
        With `files`, the event's materials on a row of their own."""
        template = r.SEMINAR if answer is None else (r.RSVP_YES if answer else r.RSVP_NO)
        day = fmt_date(event.starts_on)
        text = template.format(
            head=_seminar_head(event),
            date=r.SEMINAR_DATE_TOMORROW.format(date=day) if tomorrow else day,
            place=r.SEMINAR_PLACE.format(place=escape(event.place)) if event.place else "",
            link=r.SEMINAR_LINK.format(link=escape(event.link)) if event.link else "",
        )
        yes, no = r.BTN_WILL_COME, r.BTN_CANNOT
        if answer is not None:
            yes, no = (
                (r.BTN_CHOSEN.format(label=yes), no)
                if answer
                else (
                    yes,
                    r.BTN_CHOSEN.format(label=no),
                )
            )
        answers = (
            Button(yes, ReminderCb(action=ReminderAction.YES, event_id=event.id).pack()),
            Button(no, ReminderCb(action=ReminderAction.NO, event_id=event.id).pack()),
        )
        return text, (answers, *self._files(event, files))

    def _files(self, event: Event, files: int) -> Buttons:
        """The event's materials, if it has any: the list comes in a new message, so the
        message with the button stays as it is."""
        if not files:
            return ()
        apart = TaskCb(action=TaskAction.FILES_APART, event_id=event.id).pack()
        return ((Button(files_button(files), apart),),)

    def library_month(self, event: Event, step: Step) -> tuple[str, Buttons]:
        if step.kind == "greeting":
            return r.LM_GREETING, ()
        if step.kind == "weekly":
            return r.LM_WEEKLY.format(title=hq(event.title)), ()
        text = r.LM_KICKOFF.format(
            title=hq(event.title),
            starts=fmt_date(event.starts_on),
            ends=fmt_date(event.ends_on),
            plan=escape(event.description),
            deadline=self._deadline(event),
        )
        confirm = Button(
            r.BTN_CONFIRM, TaskCb(action=TaskAction.CONFIRM, event_id=event.id).pack()
        )
        return text, ((confirm,),)

    def summary(
        self, event: Event, done: int, total: int, missing: Sequence[str]
    ) -> tuple[str, Buttons]:
        listed = ", ".join(escape(name) for name in missing[:40])
        if len(missing) > 40:
            listed += r.SUMMARY_MORE.format(count=len(missing) - 40)
        text = r.SUMMARY.format(
            title=hq(event.title),
            deadline=self._deadline(event),
            done=done,
            schools=of_schools(total),
            missing=r.SUMMARY_MISSING.format(schools=listed) if missing else "",
        )
        nudge = Button(
            r.BTN_NUDGE, ReminderCb(action=ReminderAction.NUDGE, event_id=event.id).pack()
        )
        return text, ((nudge,),)

    def nudge(self, event: Event, late: bool, holder: Holder | None = None) -> tuple[str, Buttons]:
        templates = {"contest": r.CONTEST_NUDGE, "round": r.MONITORING_NUDGE}
        default = r.NUDGE_LATE if late else r.NUDGE
        template = templates.get(holder.kind, default) if holder is not None else default
        text = template.format(title=hq(event.title), deadline=self._deadline(event))
        return text, ((self._answer(event, holder),),)

    def seminar_tomorrow(self, event: Event, files: int = 0) -> tuple[str, Buttons]:
        text = r.SEMINAR_TOMORROW.format(
            title=escape(event.title),
            date=r.SEMINAR_DATE_TOMORROW.format(date=fmt_date(event.starts_on)),
            place=r.SEMINAR_PLACE.format(place=escape(event.place)) if event.place else "",
            link=r.SEMINAR_LINK.format(link=escape(event.link)) if event.link else "",
        )
        return text, self._files(event, files)
