"""The framework's (Django REST framework's) messages that reach a person as a field error,
translated again in Rasad's own catalog: the framework's Persian catalog leaves English words in
them (a reference that names nothing read «Object با code=2 وجود ندارد»). Rasad's apps come before
the framework in ``INSTALLED_APPS``, so their catalogs win (rasad/settings.py). The messages are
marked here only so that ``makemessages`` keeps them in rasad/api's catalog."""

from django.utils.translation import gettext_noop

FRAMEWORK_MESSAGES = (
    # The Persian names what was sent, not the field it was looked up by (a code, in English):
    # xgettext:no-python-brace-format
    gettext_noop("Object with {slug_name}={value} does not exist."),
    gettext_noop('Invalid pk "{pk_value}" - object does not exist.'),
    gettext_noop("Incorrect type. Expected pk value, received {data_type}."),
    gettext_noop("Datetime has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("Time has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("Duration has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("Expected a date but got a datetime."),
    gettext_noop("Expected a datetime but got a date."),
    gettext_noop("The submitted data was not a file. Check the encoding type on the form."),
    gettext_noop("Must be a valid UUID."),
)
