"""The yearly evaluation of an agreement: its figures and the documents made from them."""
