from django.apps import AppConfig


class RobConfig(AppConfig):
    name = "rob"
    verbose_name = "Risk of bias"
