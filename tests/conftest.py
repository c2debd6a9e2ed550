import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from tests.factories import UserFactory
from workshop import roles


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """PBKDF2's million rounds cost about a third of a second per user made and per login tried: the suite
    checks who may log in, not how slow the hash is (production keeps Django's default hashers)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (the dashboard's figures, the TVA summary's past months)."""
    cache.clear()


@pytest.fixture(autouse=True)
def garage_language():
    """Each test starts in French and leaves French behind: a request with an Arabic cookie activates Arabic for
    the thread (LocaleMiddleware does not switch back), and the next test's messages would be in Arabic."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True)


@pytest.fixture
def manager(db):
    return UserFactory(username="gerant", role=roles.MANAGER)


@pytest.fixture
def adviser(db):
    return UserFactory(username="conseiller", role=roles.ADVISER)


@pytest.fixture
def mechanic(db):
    return UserFactory(username="mecanicien", role=roles.MECHANIC)


@pytest.fixture
def accountant(db):
    return UserFactory(username="comptable", role=roles.ACCOUNTANT)


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def manager_client(login, manager):
    return login(manager)


# --- api: the garage fixture (two customers with accounts, their cars, jobs, lines, notifications) ---------
from tests.api_helpers import garage  # noqa: E402, F401

# --- authorisation: the garage every admin URL is opened on, built once per module (tests/authorisation_helpers.py) ---
from tests.authorisation_helpers import html_documents, world  # noqa: E402, F401

# --- billing: the workshop profile, and an issued invoice whose lines mix TVA rates (tests/billing_helpers.py) ---
from tests.billing_helpers import issued, profile  # noqa: E402, F401

# Concurrency tests: an accountant committed for the threads to act as.
from tests.concurrency_helpers import committed_accountant  # noqa: E402, F401

# --- reminders: a serviced car, a declined estimate, cars owing the vignette (tests/reminder_helpers.py) ------
from tests.reminder_helpers import declined, road_tax_cars, serviced_car  # noqa: E402, F401

# --- reports: books worked out by hand, money owed back to a customer (tests/reports_scenario.py) ------------
from tests.reports_scenario import books, returned  # noqa: E402, F401


@pytest.fixture
def sms_gateway(settings):
    """A real HTTP server on 127.0.0.1 answering as TunisieSMS would (script others with `.then`)."""
    from tests.gateway_server import FakeGateway

    gateway = FakeGateway().start()
    settings.ECAR_SMS_BACKEND = "tunisiesms"
    settings.ECAR_SMS_URL = gateway.url
    settings.ECAR_SMS_KEY = "secret-key"
    settings.ECAR_SMS_SENDER = "GarageTest"
    settings.ECAR_SMS_TIMEOUT = 0.5
    yield gateway
    gateway.stop()


@pytest.fixture
def demo(db):
    """The demo of 40 customers, written in bulk below the models as `make run` writes it (its output dropped):
    what the database's own sums and checks must see as well as the models' writes."""
    import io

    from django.core.management import call_command

    call_command("load_reference_data", stdout=io.StringIO())
    call_command("seed_demo", customers=40, stdout=io.StringIO())
