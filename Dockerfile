# ECAR portal image: WeasyPrint's system libraries and fonts (Arabic included), the pinned requirements.
# Production serving (gunicorn, nginx) arrives with the production-stack issue; this image runs the portal as-is.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=portal.settings
COPY deploy/system-packages.sh /tmp/system-packages.sh
RUN bash /tmp/system-packages.sh && rm -rf /var/lib/apt/lists/* /tmp/system-packages.sh

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN python manage.py compilemessages --ignore=.venv -v 0 && python manage.py collectstatic --noinput -v 0

EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && python manage.py runserver 0.0.0.0:8000"]
