"""The compiled read path: a validated read operation turned into SQL, one statement per root field.

`rules` says how each GraphQL field is read from the database, `plan` walks the validated
operation into a tree of those rules, `sql` writes the tree as SQLAlchemy Core statements whose
JSON the database builds, `finish` turns that JSON into the response in one pass, `engine` runs it
inside graphql-core's executor and falls back to the reference engine for what it cannot compile.
"""
