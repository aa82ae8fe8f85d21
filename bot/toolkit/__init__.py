"""The Telegram toolkit: callback data, keyboards, screens, middlewares, filters, menus, the
form storage and the renderers that turn services' results into messages.

The composition root (``bot.app``, ``bot.config``, ``bot.__main__``) builds the bot from
these parts; handlers use them.
"""
