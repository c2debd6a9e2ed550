"""gunicorn for ECAR behind nginx: `gunicorn -c deploy/gunicorn.conf.py portal.wsgi` (make serve and compose)."""

import multiprocessing
import os

bind = os.environ.get("ECAR_GUNICORN_BIND", "127.0.0.1:8001")
# Sync workers: nginx buffers slow clients; requests are CPU and database bound (PDFs, reports).
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))  # nginx's proxy_read_timeout
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))  # recycles a worker that grew
max_requests_jitter = 200
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
proc_name = "ecar-gunicorn"

accesslog = "-"
errorlog = "-"
access_log_format = '%({x-real-ip}i)s "%(r)s" %(s)s %(B)s %(D)sµs'
if os.environ.get("DJANGO_LOG_FORMAT", "json") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "portal.logs.JsonFormatter"}},
        "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
        "root": {"handlers": ["stdout"], "level": "WARNING"},
        "loggers": {
            "gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        },
    }
