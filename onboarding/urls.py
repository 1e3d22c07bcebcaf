from django.urls import path

from . import views

app_name = "onboarding"

urlpatterns = [
    path("daftar/<uuid:token>/<str:step>/", views.register_step, name="register_step"),
    path("daftar/konfirmasi/<str:token>/", views.owner_confirm, name="owner_confirm"),
    path("bantuan/", views.help_index, name="help_index"),
    path("bantuan/dokumen/", views.document_guide, name="document_guide"),
    path("bantuan/kontak/", views.contact, name="contact"),
    path("bantuan/<slug:role>/", views.help_role, name="help_role"),
    path("bpbj/pendampingan/", views.outreach, name="outreach"),
    path("bpbj/pendampingan/<int:pk>/", views.event_detail, name="event_detail"),
    path("bpbj/pendampingan/<int:pk>/daftarkan/", views.event_register, name="event_register"),
    path("bpbj/tiket/", views.ticket_queue, name="ticket_queue"),
    path("bpbj/tiket/<int:pk>/", views.ticket_detail, name="ticket_detail"),
]
