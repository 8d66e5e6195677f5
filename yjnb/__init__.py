"""yjnb: reproducible Youth Justice Plans."""
