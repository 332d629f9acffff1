"""The listing-reserve pipeline (上市后备企业库) and trainings (培训)."""
