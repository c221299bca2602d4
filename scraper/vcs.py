"""The data repository: gitpython for init, restore, stage and commit.

Only ``datapackage/`` is ever staged. A run first restores ``datapackage/`` from the last commit
(so leftovers of a crashed run never count), and commits only when the staged tree differs.
"""

from __future__ import annotations

import os
from pathlib import Path

import git

from .errors import RepoError
from .package import PACKAGE_DIR

DEFAULT_AUTHOR = ("meetings-bot", "meetings-bot@users.noreply.github.com")
IGNORED = ".meetings/\n"


def open_repo(path: Path, *, init: bool = True, force_init: bool = False) -> git.Repo:
    """Open the data repo at ``path``; create it if the directory is missing or empty.
    A non-empty directory that is not a git repo is refused unless ``force_init``."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise RepoError(f"{path} is a file, not a directory")
    try:
        return git.Repo(path)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        pass
    if path.exists() and any(path.iterdir()) and not force_init:
        raise RepoError(
            f"{path} is not empty and not a git repository; refusing to take it over. "
            "Point --repo at an empty or new directory, or pass --init to make it a data repository."
        )
    if not init:
        raise RepoError(f"{path} is not a git repository")
    path.mkdir(parents=True, exist_ok=True)
    repo = git.Repo.init(path, initial_branch="main")
    (path / ".gitignore").write_text(IGNORED, encoding="utf-8")
    repo.index.add([".gitignore"])
    return repo


def has_commits(repo: git.Repo) -> bool:
    try:
        repo.head.commit
        return True
    except ValueError:
        return False


def restore_package(repo: git.Repo) -> None:
    """Put ``datapackage/`` back to the last commit: drop what an interrupted run left behind."""
    root = Path(repo.working_tree_dir)
    for leftover in (root / (PACKAGE_DIR + ".old"),):
        if leftover.exists():
            import shutil

            if not (root / PACKAGE_DIR).exists():
                leftover.rename(root / PACKAGE_DIR)
            else:
                shutil.rmtree(leftover)
    if not has_commits(repo):
        return
    # one `git status` answers the usual case (nothing left behind) without rewriting a file
    if not repo.git.status("--porcelain", "--untracked-files=all", "--", PACKAGE_DIR):
        return
    if repo.git.ls_tree("--name-only", "HEAD", "--", PACKAGE_DIR):
        repo.git.checkout("HEAD", "--", PACKAGE_DIR)
    repo.git.clean("-fdq", "--", PACKAGE_DIR)


def package_tree(repo: git.Repo) -> str | None:
    """The id of ``datapackage/``'s tree in the last commit (None before the first commit): it
    changes exactly when the committed package does, whatever else the repository holds."""
    if not has_commits(repo):
        return None
    try:
        return repo.head.commit.tree[PACKAGE_DIR].hexsha
    except KeyError:
        return None


def commit_package(repo: git.Repo, message: str, author: tuple[str, str] | None = None) -> str | None:
    """Stage ``datapackage/`` and commit if anything changed. Returns the new sha or None."""
    repo.git.add("-A", "--", PACKAGE_DIR)
    if (Path(repo.working_tree_dir) / ".gitignore").exists():
        repo.git.add("--", ".gitignore")
    if has_commits(repo):
        if not repo.index.diff("HEAD"):
            return None
    elif not repo.index.entries:
        return None
    name, email = author or DEFAULT_AUTHOR
    actor = git.Actor(name, email)
    env_date = os.environ.get("MEETINGS_COMMIT_DATE")
    kwargs = {"author_date": env_date, "commit_date": env_date} if env_date else {}
    commit = repo.index.commit(message, author=actor, committer=actor, **kwargs)
    return commit.hexsha
