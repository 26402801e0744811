"""Disclosure on request (依申请公开, 条例 Arts 27–45): applications, their statutory clock,
fees and answer letters. A Django app of its own (label ``applications``) inside the
``disclosure`` package, because the law treats it as part of government-information
disclosure; it depends on ``portal`` only."""
