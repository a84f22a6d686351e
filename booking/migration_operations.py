"""Migration operations that exist only on PostgreSQL.

SQLite cannot express an exclusion constraint, so the constraint is not declared in the
model's Meta (that would break SQLite and ``makemigrations --check``); this operation adds it
to the database on PostgreSQL and changes no migration state.
"""

from django.db import migrations


class AddConstraintOnPostgres(migrations.operations.base.Operation):
    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str, constraint) -> None:
        self.model_name = model_name
        self.constraint = constraint

    def state_forwards(self, app_label, state) -> None:
        """No state change: the models never mention this constraint."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        schema_editor.add_constraint(model, self.constraint)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        model = from_state.apps.get_model(app_label, self.model_name)
        schema_editor.remove_constraint(model, self.constraint)

    def describe(self) -> str:
        return f"Add constraint {self.constraint.name} on {self.model_name} (PostgreSQL only)"

    def deconstruct(self):
        return (
            f"{self.__class__.__module__}.{self.__class__.__qualname__}",
            [],
            {"model_name": self.model_name, "constraint": self.constraint},
        )

    @property
    def migration_name_fragment(self) -> str:
        return f"{self.model_name.lower()}_{self.constraint.name.lower()}"
