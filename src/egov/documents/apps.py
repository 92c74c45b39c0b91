import logging

from django.apps import AppConfig

# Libraries this module drives that log at length: fontTools reports every table it subsets
# (each PDF written), pyHanko a stack trace for every signature that does not validate (the
# public verification page meets those by design; the module logs its own one-line events).
QUIET_LOGGERS = {"fontTools": logging.WARNING, "fpdf": logging.WARNING, "pyhanko": logging.ERROR,
                 "pyhanko_certvalidator": logging.ERROR}  # fmt: skip


class DocumentsConfig(AppConfig):
    name = "egov.documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self) -> None:
        for name, level in QUIET_LOGGERS.items():
            logging.getLogger(name).setLevel(level)
