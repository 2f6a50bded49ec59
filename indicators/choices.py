from django.db import models


class Op(models.TextChoices):
    GE = ">=", "≥"
    LE = "<=", "≤"
    EQ = "=", "="
    GT = ">", ">"
    LT = "<", "<"
