from django.urls import path

from . import views

app_name = "procurement"

urlpatterns = [
    path("keranjang/", views.cart, name="cart"),
    path("keranjang/tambah/<int:product_pk>/", views.cart_add, name="cart_add"),
    path("keranjang/pesan/", views.checkout, name="checkout"),
    path("pesanan/", views.order_list, name="order_list"),
    path("pesanan/<int:pk>/", views.order_detail, name="order_detail"),
    path("pesanan/<int:pk>/aksi/<slug:action>/", views.order_action, name="order_action"),
    path("pesanan/<int:pk>/surat-pesanan/", views.order_sp, name="order_sp"),
    path("pesanan/<int:pk>/surat-jalan/", views.delivery_note, name="delivery_note"),
    path("pesanan/<int:pk>/bast/<int:receipt_pk>/", views.receipt_print, name="receipt_print"),
    path("pesanan/<int:pk>/adendum/<int:addendum_pk>/", views.addendum_print, name="addendum_print"),
    path("kotak-masuk/", views.vendor_inbox, name="vendor_inbox"),
    path("notifikasi/", views.notifications, name="notifications"),
    path("keluhan-pembayaran/", views.complaint_queue, name="complaint_queue"),
    path("rup/", views.rup_list, name="rup_list"),
    path("rup/impor/", views.rup_import, name="rup_import"),
]
