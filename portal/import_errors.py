"""What a clerk may read of an import error: our own Chinese messages, never a traceback,
an install path or a database error (those go to the log)."""

import logging
import re

from django.core.exceptions import ValidationError

logger = logging.getLogger(__name__)
_CHINESE = re.compile(r"[\u4e00-\u9fff]")
UNEXPECTED = (
    "处理时出错（已记录）。请检查该行数据是否完整、格式是否正确；仍有问题请联系系统管理员。"
)


def clerk_message(error) -> str:
    """The message of ``error`` (an exception, or django-import-export's Error wrapping
    one) if it is one of ours, otherwise a plain Chinese notice."""
    exception = getattr(error, "error", error)
    if isinstance(exception, ValidationError):
        return "；".join(exception.messages)
    if isinstance(exception, ValueError | LookupError) and _CHINESE.search(str(exception)):
        return str(exception)
    logger.error("import error: %s", type(exception).__name__, exc_info=_exc_info(exception))
    return UNEXPECTED


def error_rows(result) -> int:
    """How many rows of an import (django-import-export's Result) failed; a failure of
    the whole file counts as one."""
    return len(result.row_errors()) + len(result.invalid_rows) + (1 if result.base_errors else 0)


def _exc_info(exception):
    if isinstance(exception, BaseException):
        return (type(exception), exception, exception.__traceback__)
    return None
