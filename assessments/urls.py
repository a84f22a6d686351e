from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.start, name="start"),
    path("<slug:token>/", views.resume, name="resume"),
    path("<slug:token>/step/<slug:slug>/", views.step, name="step"),
    path("<slug:token>/review/", views.review, name="review"),
    path("<slug:token>/saved/", views.saved, name="saved"),
    path("<slug:token>/result/", views.result, name="result"),
    path("<slug:token>/result/email/", views.email_result, name="email-result"),
    path("<slug:token>/module/<slug:key>/", views.module, name="module"),
]
