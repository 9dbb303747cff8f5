app_name = "greenjobs"
urlpatterns: list = []
