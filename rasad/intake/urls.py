from django.urls import path

from rasad.intake import views

app_name = "intake"
urlpatterns = [
    path("intake/", views.DocumentListView.as_view(), name="document-list"),
    path("intake/new/", views.DocumentCreateView.as_view(), name="document-create"),
    path("intake/<int:pk>/", views.DocumentReviewView.as_view(), name="document-review"),
    path("intake/<int:pk>/decide/", views.DocumentDecideView.as_view(), name="document-decide"),
    path("intake/<int:pk>/delete/", views.DocumentDeleteView.as_view(), name="document-delete"),
    path("intake/proposals/<int:pk>/correct/", views.ProposalCorrectView.as_view(), name="proposal-correct"),
    path("intake/aliases/", views.AliasListView.as_view(), name="alias-list"),
    path("intake/aliases/new/", views.AliasCreateView.as_view(), name="alias-create"),
    path("intake/aliases/<int:pk>/edit/", views.AliasEditView.as_view(), name="alias-edit"),
    path("intake/aliases/<int:pk>/delete/", views.AliasDeleteView.as_view(), name="alias-delete"),
    path("intake/people/", views.KnownPersonListView.as_view(), name="people-list"),
]
