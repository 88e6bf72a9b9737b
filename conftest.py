"""Settings shared by every test, and by the notebooks that nbval re-executes."""

import os

# Explorers draw a static figure and a readout when there is no browser (see explorers/_base.py).
os.environ.setdefault("COURSE_EXPLORERS", "static")

# The notebooks' kernels run on one thread here (the tests run in parallel, one worker per core;
# the notebooks' small networks gain nothing from a second thread), and on two threads with
# other CPU kernels in tests/test_portability.py: the committed outputs must hold for both.
os.environ.setdefault("OMP_NUM_THREADS", "1")
# Tests run in parallel, so kernels share the cores: OpenMP threads that wait by spinning then
# slow everything down many times over (measured: 15x on two cores with three kernels);
# waiting passively changes no result, only how idle threads wait.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
