import pytest

from appliance.plumbing.env import EnvError, env_bool, env_int, env_list, env_secret


@pytest.mark.parametrize("word, value", [("true", True), ("YES", True), ("1", True), ("false", False), ("no", False), ("0", False)])
def test_booleans_accept_only_clear_words(word, value):
    assert env_bool("FLAG", None, environ={"FLAG": word}) is value


@pytest.mark.parametrize("word", ["ture", "on", "2", "enabled"])
def test_a_misspelt_boolean_stops_the_start_with_the_variable_named(word):
    with pytest.raises(EnvError, match="FLAG"):
        env_bool("FLAG", False, environ={"FLAG": word})


def test_an_unset_or_blank_variable_gives_the_default():
    assert env_bool("FLAG", True, environ={}) is True
    assert env_int("COUNT", 7, environ={"COUNT": "  "}) == 7


def test_numbers_are_checked_against_their_bounds():
    assert env_int("COUNT", 1, minimum=1, maximum=10, environ={"COUNT": "10"}) == 10
    with pytest.raises(EnvError, match="above the maximum 10"):
        env_int("COUNT", 1, minimum=1, maximum=10, environ={"COUNT": "11"})
    with pytest.raises(EnvError, match="below the minimum 1"):
        env_int("COUNT", 1, minimum=1, environ={"COUNT": "0"})
    with pytest.raises(EnvError, match="not a whole number"):
        env_int("COUNT", 1, environ={"COUNT": "2.5"})


def test_lists_are_comma_separated_without_blanks():
    assert env_list("HOSTS", ["x"], environ={"HOSTS": " a.example, ,b.example "}) == ["a.example", "b.example"]
    assert env_list("HOSTS", ["x"], environ={}) == ["x"]


def test_a_secret_comes_from_the_variable_or_from_the_file_it_names(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file\n")
    assert env_secret("KEY", environ={"KEY": "direct"}) == "direct"
    assert env_secret("KEY", environ={"KEY_FILE": str(secret_file)}) == "from-a-file"
    assert env_secret("KEY", default="fallback", environ={}) == "fallback"


def test_a_secret_file_that_is_missing_or_empty_or_doubled_is_refused(tmp_path):
    empty = tmp_path / "empty"
    empty.write_text("")
    with pytest.raises(EnvError, match="cannot be read"):
        env_secret("KEY", environ={"KEY_FILE": str(tmp_path / "missing")})
    with pytest.raises(EnvError, match="is empty"):
        env_secret("KEY", environ={"KEY_FILE": str(empty)})
    with pytest.raises(EnvError, match="not both"):
        env_secret("KEY", environ={"KEY": "a", "KEY_FILE": str(empty)})
