"""`manage.py send_reminders`: the dry run prints and writes nothing, a real run sends, a bad date is refused."""

import pytest
from django.core.management import CommandError, call_command

from workshop.models import Reminder


@pytest.mark.django_db
def test_the_command_dry_run_prints_and_writes_nothing(serviced_car, capsys):
    call_command("send_reminders", "--date", "2026-11-13", "--dry-run")
    out = capsys.readouterr().out
    assert "Relances du 13/11/2026 (à blanc" in out
    assert "Entretien à prévoir : 1 à envoyer" in out
    assert "L'entretien de votre véhicule 123 TU 4567" in out
    assert not Reminder.objects.exists()
    call_command("send_reminders", "--date", "2026-11-13", "--kind", "service_due")
    assert "1 envoyées" in capsys.readouterr().out
    assert Reminder.objects.count() == 1


def test_the_command_refuses_a_bad_date():
    with pytest.raises(CommandError, match="Date invalide"):
        call_command("send_reminders", "--date", "13/11/2026")
