# British English as Evident wrote it before dates followed the language: 24-hour times
# ("5 Dec 2026 14:30"), not Django's default "2:30 p.m.". Chinese uses Django's own formats.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
