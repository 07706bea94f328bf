"""The demo street (郑州市中原区航海西路街道) loaded by ``manage.py seed_demo``."""
