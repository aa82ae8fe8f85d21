"""The roadmap catalogue screens."""

from __future__ import annotations

SECTIONS = (
    "<b>Дорожная карта развития школьных информационно-библиотечных центров</b>\n\n"
    "{lines}\n\nВыберите раздел:"
)
SECTION_LINE = "{number}. {title} ({count})"
SECTION = "<b>Раздел {number}. {title}</b>\n\n{lines}\n\nВыберите мероприятие:"
ACTIVITY_LINE = "{number}. {title}"
ACTIVITY_CARD = (
    "<b>Мероприятие № {number}</b>\n{title}{note}\n\n"
    "<b>Раздел:</b> {section}\n"
    "<b>Срок:</b> {period}\n"
    "<b>Исполнители:</b> {executors}\n"
    "<b>Вид документа:</b> {document}\n"
    "<b>Ожидаемый результат:</b> {result}"
)
NOT_SET = "не указано"
EMPTY = "Дорожная карта пока не загружена."
BTN_SECTION = "{number}. {title}"
BTN_ACTIVITY = "№ {number}. {title}"
BTN_TO_SECTIONS = "« Все разделы"
BTN_TO_SECTION = "« К разделу"
NOT_FOUND = "Такого пункта нет в дорожной карте."
