"""Super-admin: districts and coordinator invitations."""

from __future__ import annotations

DISTRICTS_HEADER = "<b>Районы</b> (всего: {total})\n\nВыберите район или создайте новый."
DISTRICTS_EMPTY = "Районов пока нет. Создайте первый: кнопка ниже или /newdistrict."
BTN_NEW_DISTRICT = "➕ Новый район"
ASK_DISTRICT_NAME = "Напишите название района, например: «Иглинский район»."
DISTRICT_EXISTS = "Район «{name}» уже есть. Напишите другое название или /cancel."
DISTRICT_CREATED = "Район «{name}» создан."
DISTRICT_CARD = (
    "<b>{name}</b>\n\nШкол: {schools}\nКоординаторов: {coordinators}\n"
    "Педагогов-библиотекарей: {librarians}"
)
BTN_INVITE_COORDINATOR = "✉️ Пригласить координатора"
BTN_USE_DISTRICT = "🏫 Работать со школами района"
BTN_TO_DISTRICTS = "« К списку районов"
COORDINATOR_INVITE = (
    "Приглашение координатора: {district}.\n\n"
    "Перешлите эту ссылку сотруднику отдела образования (действует один раз):\n{link}"
)
BTN_REVOKE_INVITE = "⛔ Отозвать приглашение"
INVITE_REVOKED = "Приглашение отозвано: ссылка больше не действует."
INVITE_ALREADY_USED = (
    "Приглашение уже использовано: координатор подключился. Снять его с роли может он сам "
    "в /profile."
)
ACTING_DISTRICT = (
    "Теперь вы работаете с районом: {district}. Команды: /schools, /addschool, /import."
)
