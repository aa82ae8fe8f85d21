"""Contests: texts of the results part (ranking, places, publication, documents, diplomas)."""

from __future__ import annotations

from bot.texts import common
from bot.texts.plural import counted

ROMAN = {1: "I", 2: "II", 3: "III"}
DEGREE_NAMES = {1: "I степень", 2: "II степень", 3: "III степень"}
PARTICIPATION = "участник"
NO_SCORES = "нет оценок"


def degree_or_participation(place: int | None) -> str:
    return PARTICIPATION if place is None else DEGREE_NAMES[place]


def of_works(count: int) -> str:
    return counted(count, "работа", "работы", "работ")


def of_documents(count: int) -> str:
    return counted(count, "документ", "документа", "документов")


def of_schools(count: int) -> str:
    return counted(count, "школа", "школы", "школ")


def of_scores(count: int) -> str:
    return counted(count, "оценка", "оценки", "оценок")


# ---- the coordinator's results screen ----------------------------------------------------------
RESULTS_HEADER = "🏆 <b>Итоги конкурса «{title}»</b>\nСтатус: {status}."
JUDGING_OPEN = "Оценка жюри ещё идёт: места утверждают и публикуют после её завершения."
JUDGING_CLOSED = "Оценка завершена {when}."
RULE_RANK = "Места по рейтингу: три лучших средних балла номинации — I, II и III степень."
RULE_SCORE = (
    "Места по баллам: I степень — от {first} % максимума, II — от {second} %, "
    "III — от {third} % (максимум — {max} б.)."
)
COUNTS = "Допущено: {accepted}; оценено: {scored}; без оценок: {unscored}."
SILENT_ALL = "Не оценили ни одной работы (в средних их нет): {names}."
PLACES_NONE = "Места ещё не утверждены: нажмите «Принять предложенные места»."
PLACES_STALE = (
    "Оценки изменились после утверждения мест у {works}: примите места заново "
    "или проверьте их в номинациях."
)
PLACES_OK = "Места утверждены — можно публиковать."
PUBLISHED_AT = "Итоги опубликованы {when}: школы получили результаты и дипломы по кнопке."
NOT_JUDGED_YET = "Итоги подводятся после закрытия приёма заявок и работы жюри."
NOMINATIONS = "Номинации:"
NOMINATION_LINE = "• {title}: {works}{ties}"
NOMINATION_TIES = ", есть равные баллы"
JUROR_FALLBACK = "Член жюри № {n}"

BTN_NOMINATION = "{title} ({count})"
BTN_ACCEPT = "✅ Принять предложенные места"
BTN_PUBLISH = "📢 Опубликовать итоги"
BTN_DOCUMENTS = "📄 Документы"
BTN_ZIP = "📦 Все дипломы (ZIP)"
BTN_YES = common.BTN_YES
BTN_NO = common.BTN_NO

# ---- a nomination -------------------------------------------------------------------------------
NOMINATION_HEADER = (
    "🏆 «{contest}» — номинация «{nomination}»\nМаксимум — {max} б. Работ: {count}.\n"
)
RANK_LINE = "<b>{place}.</b> {code} · {school} — {participants}"
UNRANKED_LINE = "<b>—</b> {code} · {school} — {participants}"
SCORE_LINE = (
    "    средний балл {mean} ({scores}) · предложено: {proposed} · утверждено: {confirmed}"
)
SCORE_LINE_NONE = "    нет оценок — только участие · утверждено: {confirmed}"
NOT_CONFIRMED = "—"
TIES = "Равные баллы (места делят): {items}."
TIE_ITEM = "место {place} — {codes}"
SILENT_HERE = "Не оценивали работы этой номинации: {names}."
EMPTY_NOMINATION = "В номинации нет допущенных работ."
BTN_ENTRY = "Изменить место: {code}"

# ---- an entry's place ---------------------------------------------------------------------------
ENTRY_PLACE = (
    "<b>{code}</b> · {school}\nНоминация «{nomination}»\nУчастники: {participants}\n"
    "{score}\nСейчас утверждено: {confirmed}.\n\nВыберите место:"
)
ENTRY_SCORE = "Средний балл: {mean} ({scores}); предложено: {proposed}."
ENTRY_UNSCORED = "Работу никто не оценил: возможно только участие."
BTN_PLACES = {1: "I", 2: "II", 3: "III", 0: "участник"}
PLACE_SET = "✅ {code}: {place}."

# ---- confirmations ------------------------------------------------------------------------------
ASK_ACCEPT = (
    "Принять предложенные места во всех номинациях?\n"
    "Места, изменённые вручную, будут заменены предложенными."
)
ACCEPTED = "✅ Места приняты: дипломов — {degrees}, остальные работы — участники."
ASK_PUBLISH = (
    "Опубликовать итоги конкурса «{title}»?\n\nКаждая школа с допущенными работами получит "
    "свои результаты и кнопку для дипломов и сертификатов ({schools}). "
    "Изменить места после публикации нельзя."
)
PUBLISHED = "📢 Итоги опубликованы: результаты отправлены — {schools}."

# ---- the schools' notice (outbox) ---------------------------------------------------------------
NOTICE = (
    "🏆 <b>Итоги конкурса «{title}»</b>\n\nРезультаты вашей школы:\n{lines}\n\n"
    "Дипломы и сертификаты в PDF — по кнопке ниже."
)
NOTICE_LINE = "• {code}, «{nomination}»: {participants} — {result}"
NOTICE_DEGREE = "диплом {roman} степени"
NOTICE_PARTICIPATION = "сертификат участника"
BTN_DIPLOMAS = "📄 Получить дипломы"

# ---- documents ----------------------------------------------------------------------------------
DOCUMENTS = "📄 Документы конкурса «{title}»"
BTN_DOC_ENTRIES = "Заявки (XLSX)"
BTN_DOC_PROTOCOL_XLSX = "Протокол жюри (XLSX)"
BTN_DOC_PROTOCOL_PDF = "Протокол жюри (PDF)"
BTN_DOC_WINNERS = "Победители — на следующий этап (XLSX)"
ENTRIES_FILE = "Заявки {prefix}-{year}.xlsx"
PROTOCOL_XLSX_FILE = "Протокол жюри {prefix}-{year}.xlsx"
PROTOCOL_PDF_FILE = "Протокол жюри {prefix}-{year}.pdf"
WINNERS_FILE = "Победители {prefix}-{year}.xlsx"
ZIP_FILE = "Дипломы {prefix}-{year}.zip"
ZIP_PART_FILE = "Дипломы {prefix}-{year}, часть {part} из {parts}.zip"
CAPTION_ENTRIES = "Заявки конкурса «{title}»: {works}, по строке на участника."
CAPTION_PROTOCOL = "Протокол жюри конкурса «{title}»."
CAPTION_WINNERS = (
    "Победители конкурса «{title}» ({works}) — в столбцах таблицы заявок, для следующего этапа."
)
CAPTION_ZIP = "Дипломы и сертификаты конкурса «{title}»: {documents}, по папке на школу."
NO_WINNERS = "Победителей пока нет: места не утверждены."
NO_DIPLOMAS_YET = "Дипломы появятся после публикации итогов."
NO_ACCEPTED = "В конкурсе нет допущенных работ — дипломов нет."

# ---- the librarian's diplomas -------------------------------------------------------------------
DIPLOMA_CAPTION = "{title}: {name} ({code})"
DIPLOMAS_SENT = "Готово: {documents} конкурса «{title}»."

# ---- refusals of the filters --------------------------------------------------------------------
NOT_PUBLISHED = "Итоги этого конкурса ещё не опубликованы — дипломы появятся после публикации."
NO_SCHOOL_ENTRIES = (
    "У вашей школы нет работ, допущенных к этому конкурсу, — дипломов и сертификатов нет."
)
UNKNOWN_DOCUMENT = "Такого документа нет."

ERRORS: dict[str, str] = {
    "bad_place": "Место — I, II, III степень или «участник».",
    "results_published": "Итоги уже опубликованы — места больше не меняются.",
    "results_not_now": "Места утверждают после закрытия приёма заявок.",
    "judging_open": "Оценка жюри ещё не завершена: сначала жюри заканчивает работу.",
    "entry_not_ranked": "Эта работа не участвует в итогах (она не допущена).",
    "entry_not_scored": "Работу никто не оценил: ей можно дать только участие.",
    "places_not_confirmed": (
        "Места не утверждены на нынешних оценках: нажмите «Принять предложенные места» "
        "и проверьте номинации."
    ),
}

# ---- documents' words ---------------------------------------------------------------------------
ENTRIES_HEADER = (
    "Номер",
    "Школа",
    "Номинация",
    "Участник",
    "Категория",
    "Возраст",
    "Руководитель",
    "Статус",
    "Опоздание",
    "Работа",
    "Файлы и ссылки",
    "Итог",
)
LATE = "после продления"
PROTOCOL_TITLE = "Протокол жюри"
PROTOCOL_SUBTITLE = "Конкурс «{contest}» · {district} · {date}"
PROTOCOL_SCORE_HEADER = ("Место", "Номер", "Школа", "Участники", "Член жюри")
PROTOCOL_TOTAL = "Итого"
PROTOCOL_COUNTED = "Учтена"
PROTOCOL_SUMMARY_HEADER = ("Средний балл", "Предложено", "Утверждено")
PROTOCOL_YES = "да"
PROTOCOL_NO = "нет"
PROTOCOL_NOT_COUNTED = "не учтена"
PROTOCOL_CRITERION = "{title} (до {max})"
PROTOCOL_JURY_SHEET = "Жюри"
PROTOCOL_JURY_HEADER = ("№", "Член жюри", "Учтено оценок", "Не оценивал(а) в номинациях")
PROTOCOL_JUROR_SHORT = "Ж{n}"
PROTOCOL_PDF_HEADER = (
    "Место",
    "Номер",
    "Школа",
    "Участники",
    "Средний балл",
    "Предложено",
    "Утверждено",
)
PROTOCOL_TIES = "Равные баллы: {items}."
PROTOCOL_UNSCORED = "Без оценок: {codes}."
PROTOCOL_SILENT = "Не оценивали: {names}."
PROTOCOL_LEGEND = "Жюри: {items}. В клетке члена жюри — итог и баллы по критериям."
PROTOCOL_SIGNATURES = "Подписи членов жюри:"
PROTOCOL_EMPTY = "В конкурсе нет номинаций."

DIPLOMA_DEGREES = {1: "Диплом I степени", 2: "Диплом II степени", 3: "Диплом III степени"}
CERTIFICATE = "Сертификат участника"
DIPLOMA_AWARDED = "награждается"
DIPLOMA_GIVEN = "вручается"
DIPLOMA_SUPERVISOR = "руководитель"
DIPLOMA_OF_PARTICIPANT = "участник: {names}"
DIPLOMA_OF_PARTICIPANTS = "участники: {names}"
DIPLOMA_STAGE = {
    "school": "Школьный этап конкурса",
    "municipal": "Муниципальный этап конкурса",
    "republican": "Республиканский конкурс",
}
DIPLOMA_NOMINATION = "в номинации «{nomination}»"
DIPLOMA_NUMBER = "№ {code}"
DIPLOMA_FILE = "{code} {title} — {name}"
