from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask.cli import AppGroup

from ..domain import InputError
from ..enums import Role
from . import services

users_cli = AppGroup("users", help="Manage user accounts and API tokens.")


@contextmanager
def refusal_as_message() -> Iterator[None]:
    """A refused input ends the command with its message (exit 1), not a traceback."""
    try:
        yield
    except InputError as error:
        raise click.ClickException(error.message) from error


@users_cli.command("create")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(Role.codes()))
@click.option(
    "--incubator", "incubators", multiple=True, type=int, help="Id of an incubator the user manages."
)
@click.option("--name", "display_name", help="Display name (defaults to the username).")
@click.option(
    "--department", help="The office a contributor fills in for (required with --role contributor)."
)
def create(
    username: str,
    roles: tuple[str, ...],
    incubators: tuple[int, ...],
    display_name: str | None,
    department: str | None,
) -> None:
    """Create USERNAME; the generated password is the last line of output."""
    with refusal_as_message():
        user, password = services.create_user(
            username,
            list(roles),
            list(incubators),
            display_name,
            must_change_password=True,
            department=department,
        )
    click.echo(
        f"Created user {user.username} with roles {', '.join(user.roles)}. One-time password "
        "(to be changed at the first sign-in):"
    )
    click.echo(password)


@users_cli.command("token")
@click.argument("username")
def token(username: str) -> None:
    """Issue an API token for USERNAME; the token is the last line of output and is not shown again."""
    with refusal_as_message():
        value = services.issue_token(username)
    click.echo(f"API token for {username} (store it now; it is not shown again):")
    click.echo(value)


@users_cli.command("revoke-token")
@click.argument("prefix")
def revoke_token(prefix: str) -> None:
    """Revoke the API token whose shown prefix (its first 12 characters) is PREFIX."""
    with refusal_as_message():
        count = services.revoke_token(prefix)
    click.echo(f"Revoked {count} token(s).")


@users_cli.command("tokens")
@click.argument("username")
def tokens(username: str) -> None:
    """List USERNAME's API tokens (prefix, created, last used, revoked)."""
    for row in services.tokens_of(username):
        click.echo(
            f"{row.prefix}  created {row.created_at:%Y-%m-%d}  last used {row.last_used_at or '-'}  "
            f"{'revoked ' + str(row.revoked_at) if row.revoked_at else 'active'}"
        )
