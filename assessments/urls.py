from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.start, name="start"),
    path("<str:token>/", views.resume, name="resume"),
    path("<str:token>/step/<slug:slug>/", views.step, name="step"),
    path("<str:token>/review/", views.review, name="review"),
    path("<str:token>/saved/", views.saved, name="saved"),
    path("<str:token>/result/", views.result, name="result"),
    path("<str:token>/result/email/", views.email_result, name="email-result"),
]
