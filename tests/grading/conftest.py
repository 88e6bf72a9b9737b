"""Settings for the grader's tests."""


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: executes the real notebooks with nbgrader "
                                       "(minutes); part of the suite")
