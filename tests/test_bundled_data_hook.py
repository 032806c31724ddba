"""libvirt.py points libxml2's catalogs at libvirt's data only where the
binary wheel put a copy of it beside the module (libvirt-override.py,
packaging/BINARY-WHEEL.md)."""

import os
import shutil

import libvirt

from support import child


def catalogs(env_update, cwd=None, path=None):
    """XML_CATALOG_FILES in a child once it imported libvirt (the one of
    `path`, put first with PYTHONPATH, if given)."""
    env = {k: v for k, v in os.environ.items() if k != "XML_CATALOG_FILES"}
    env.update(env_update)
    if path:
        env["PYTHONPATH"] = path
    return child.run("bundled_data_hook_cases", "catalogs", env=env, cwd=cwd).value


def module_with_bundled_data(module_dir):
    """A copy of libvirt.py in module_dir, with a bundled data directory
    beside it, importable before the installed binding (whose libvirtmod it
    still uses): the path to put in PYTHONPATH."""
    (module_dir / "libvirt_python.share").mkdir(parents=True)
    (module_dir / "libvirt_python.share" / "catalog.xml").write_text("<catalog/>")
    shutil.copy(libvirt.__file__, module_dir / "libvirt.py")
    return f"{module_dir}{os.pathsep}{os.path.dirname(libvirt.__file__)}"


def test_a_build_against_the_system_libvirt_leaves_catalogs_alone():
    assert catalogs({}) == "<unset>"


def test_bundled_data_is_added_after_the_users_catalogs(tmp_path):
    # A directory with a space and a non-ASCII letter: quoted in the URI.
    module_dir = tmp_path / "site packages é"
    found = catalogs({"XML_CATALOG_FILES": "file:///mine.xml"},
                     cwd=tmp_path, path=module_with_bundled_data(module_dir))
    expected = "file://" + str(module_dir).replace(" ", "%20").replace("é", "%C3%A9")
    assert found == f"file:///mine.xml {expected}/libvirt_python.share/catalog.xml"


def test_without_a_user_catalog_libxml2s_default_stays_first(tmp_path):
    module_dir = tmp_path / "m"
    found = catalogs({}, cwd=tmp_path, path=module_with_bundled_data(module_dir))
    assert found.split() == ["file:///etc/xml/catalog",
                             f"file://{module_dir}/libvirt_python.share/catalog.xml"]
