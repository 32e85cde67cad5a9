"""Each readable field's read binding, declared once for both read engines (see `bindings.types`)."""
