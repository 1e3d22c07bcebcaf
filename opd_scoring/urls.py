app_name = "opd_scoring"

urlpatterns: list = []
