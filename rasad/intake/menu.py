"""The intake app's menu entries as plain data (labels translated in this app's catalog);
``rasad.web.navigation`` turns them into its ``MenuGroup``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABEL = _("Documents")
# label, URL name, icon, permission
ITEMS = (
    (_("Document intake"), "intake:document-list", "bi-file-earmark-text", "intake.view_intakedocument"),
    (_("Read a new document"), "intake:document-create", "bi-file-earmark-plus", "intake.add_intakedocument"),
    (_("People named in documents"), "intake:people-list", "bi-person-vcard", "intake.view_knownperson"),
    (_("Organization aliases"), "intake:alias-list", "bi-tags", "intake.view_organizationalias"),
)
