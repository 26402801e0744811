"""The annual report (政府信息公开工作年度报告, 条例 Arts 49–50), assembled from the
catalogue and the applications. A Django app of its own (label ``annual_reports``) inside
the ``disclosure`` package; it reads ``disclosure`` and ``disclosure.applications``."""
