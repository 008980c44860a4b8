# Runs modes of the Autobahn|Testsuite's wstest on Jython, side by side in one process (one JVM
# start-up, not two), for AutobahnSuite (Java):
#   jython wstest-run.py KILL_AFTER_SCALE MODE SPEC.json [MODE SPEC.json ...]
# It prints READY once every listener is bound, and "DONE fuzzingclient" when the fuzzing client has
# written its report (then, with no fuzzing server beside it, it exits). Two changes to how the suite runs, none to what it judges:
# - every listener it opens (the fuzzing server's, and the web page beside it) is on loopback only;
# - killAfter(n), a case's watchdog that drops the connection if the exchange is not over after n
#   seconds, waits KILL_AFTER_SCALE times as long: a correct peer on a loaded machine is not dropped,
#   and a case that ends in time ends as soon as it would have (the watchdog only fires on a hang).
import sys, os, json
from autobahntestsuite import wstest, fuzzing   # wstest first: it chooses the reactor
from twisted.internet import reactor

scale = float(sys.argv[1])
runs = zip(sys.argv[2::2], sys.argv[3::2])
debug = os.environ.get('WSTEST_DEBUG') == '1'

listenTCP = reactor.listenTCP
reactor.listenTCP = lambda port, factory, backlog=50, interface='': listenTCP(port, factory, backlog, '127.0.0.1')

killAfter = fuzzing.FuzzingProtocol.killAfter
fuzzing.FuzzingProtocol.killAfter = lambda self, delay: killAfter(self, delay * scale)

def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()

# The fuzzing client stops the reactor once it has written its report; beside a fuzzing server
# that our client may still be using, it only says so.
serving = [mode for mode, spec in runs if mode == 'fuzzingserver']
stop = reactor.stop
def clientDone():
    say("DONE fuzzingclient")
    if not serving:
        stop()
reactor.stop = clientDone

for mode, specFile in runs:
    wstest.WsTestRunner({'mode': mode, 'debug': debug}, json.load(open(specFile))).startService()

# The listeners are bound by now (listenTCP binds at once): the Java side may connect.
reactor.callWhenRunning(say, "READY")
reactor.run()
