# make run   — set everything up and serve the demo site on http://127.0.0.1:$(PORT)/
# make test  — set everything up and run the whole test suite (browser tests included)
# make bench — (later issue) performance figures

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PORT

.DEFAULT_GOAL := help
.PHONY: help run test bench wrk setup install dotenv db stop-db migrate demo static chromium fonts lint clean backup restore

help:
	@echo "make run    搭建环境并启动演示站点 (http://127.0.0.1:$(PORT)/)"
	@echo "make test   搭建环境并运行全部测试（含浏览器测试）"
	@echo "make stop-db  停止项目自带的 PostgreSQL"
	@echo "make backup   备份数据库和上传文件到 $(BACKUP_DIR)"
	@echo "make restore BACKUP=目录 [FORCE=1]  从备份恢复"

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "需要 Python 3.11 或更高版本（当前：$(PYTHON)）"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

# A demo .env with a fresh secret; the real environment always wins over it.
.env:
	@echo "生成 .env（演示配置，DEBUG 关闭）"
	@{ echo "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))')"; \
	   echo "ALLOWED_HOSTS=127.0.0.1,localhost,[::1]"; \
	   echo "# Personal data keys (README 个人信息保护): back them up apart from the database."; \
	   echo "PII_ENCRYPTION_KEYS=$$($(PYTHON) -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')"; \
	   echo "PII_INDEX_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))')"; \
	   echo "# The demo serves plain HTTP on localhost; production keeps the secure defaults."; \
	   echo "SECURE_SSL_REDIRECT=false"; echo "SECURE_HSTS_SECONDS=0"; \
	   echo "SESSION_COOKIE_SECURE=false"; echo "CSRF_COOKIE_SECURE=false"; \
	   echo "# The demo accounts' password is in the README: production refuses them (manage.py check)."; \
	   echo "ALLOW_DEMO_ACCOUNTS=true"; } > $@

# A demo .env written before a setting existed gets it added, so an older checkout's
# `make run` keeps working (its personal data is encrypted under the new keys at migrate).
dotenv: .env
	@grep -q '^PII_ENCRYPTION_KEYS=' .env || { echo "补充 .env：PII_ENCRYPTION_KEYS"; \
	  echo "PII_ENCRYPTION_KEYS=$$($(PYTHON) -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')" >> .env; }
	@grep -q '^PII_INDEX_KEY=' .env || { echo "补充 .env：PII_INDEX_KEY"; \
	  echo "PII_INDEX_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))')" >> .env; }
	@grep -q '^ALLOW_DEMO_ACCOUNTS=' .env || { echo "补充 .env：ALLOW_DEMO_ACCOUNTS"; \
	  echo "ALLOW_DEMO_ACCOUNTS=true" >> .env; }

db: install dotenv
	@if [ -z "$$DATABASE_URL" ]; then $(PY) -m portal.embedded_db start; fi

stop-db: install
	@$(PY) -m portal.embedded_db stop

migrate: db
	$(PY) manage.py migrate --no-input
	$(PY) manage.py createcachetable

demo: migrate
	$(PY) manage.py load_demo
	$(PY) manage.py load_interpretation_demo
	$(PY) manage.py load_mailbox_demo
	$(PY) manage.py load_plans_demo
	$(PY) manage.py load_applications_demo
	$(PY) manage.py load_annual_report_demo

STATIC_SOURCES := $(shell find static -type f 2>/dev/null)
var/static/staticfiles.json: $(STATIC_SOURCES) $(VENV)/.installed .env
	$(PY) manage.py collectstatic --no-input --verbosity 0

static: var/static/staticfiles.json

setup: fonts demo static

run: setup
	@echo
	@echo "演示站点：http://127.0.0.1:$(PORT)/    管理后台：http://127.0.0.1:$(PORT)/admin/"
	@echo "演示账号：admin、clerk、reviewer、publisher、supervisor、sysadmin、secadmin、auditor，密码均为 zwgk-Demo-2026"
	@echo "admin、sysadmin、secadmin、auditor 还需动态验证码：$(PY) manage.py demo_totp admin（或在身份验证器中添加密钥 ZWGKDEMOZWGKDEMOZWGKDEMOZWGKDEMO）"
	@echo "按 Ctrl-C 停止（同时停止项目自带的 PostgreSQL）"
	@echo
	GUNICORN_STOP_WITH_PARENT=1 $(VENV)/bin/gunicorn -c portal/gunicorn_conf.py

# A CJK font for the answer letters' PDFs (embedded in each PDF) and for screenshots.
CJK_FONT ?= /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
fonts:
	@if [ -f "$(CJK_FONT)" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei; \
	else \
	  echo "生成 PDF 需要中文字体，请先运行：sudo apt-get install -y fonts-wqy-microhei"; exit 1; \
	fi

# Debian's Chromium for the browser tests; Playwright never downloads a browser.
chromium:
	@if [ -x /usr/bin/chromium ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
	  echo "浏览器测试需要 Debian 的 Chromium，请先运行：sudo apt-get install -y chromium"; exit 1; \
	fi

# Stops the embedded server afterwards only if this run started it.
test: install dotenv chromium fonts
	@started=0; \
	if [ -z "$$DATABASE_URL" ] && ! $(PY) -m portal.embedded_db status >/dev/null; then started=1; fi; \
	$(PY) manage.py makemigrations --check --dry-run >/dev/null || { echo "模型有改动但缺少迁移：运行 manage.py makemigrations"; status=1; }; \
	SECURE_SSL_REDIRECT= SECURE_HSTS_SECONDS= SESSION_COOKIE_SECURE= CSRF_COOKIE_SECURE= \
	  SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  $(PY) manage.py check --deploy --fail-level WARNING || status=1; \
	[ "$${status:-0}" = 0 ] && { $(VENV)/bin/pytest $(PYTEST_ARGS); status=$$?; }; \
	if [ $$started = 1 ]; then $(PY) -m portal.embedded_db stop; fi; \
	exit $$status

# Backups (portal/backup.py): pg_dump of the database plus a tar.gz of the uploads, with a
# manifest of checksums, in one timestamped folder; restore refuses a non-empty database
# unless FORCE=1.
BACKUP_DIR ?= var/backups
backup: db
	$(PY) manage.py backup --to "$(BACKUP_DIR)"

restore: db
	@if [ -z "$(BACKUP)" ]; then echo "用法：make restore BACKUP=var/backups/portal-YYYYMMDD-HHMMSS [FORCE=1]"; exit 2; fi
	$(PY) manage.py restore "$(BACKUP)" $(if $(filter 1 yes true,$(FORCE)),--force)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean: stop-db
	rm -rf var $(VENV)

# Performance figures in a separate benchmark database; writes bench/results.md.
bench: install dotenv wrk static
	$(PY) manage.py bench $(BENCH_ARGS)

# The load generator `make bench` drives gunicorn with, from Debian's packages.
wrk:
	@if command -v wrk >/dev/null; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	else \
	  echo "make bench 需要 wrk，请先运行：sudo apt-get install -y wrk"; exit 1; \
	fi
