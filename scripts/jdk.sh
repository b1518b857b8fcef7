# Finds a JDK of version 25 or later and sets JAVA_HOME and JAVA to it.
# Order: $JAVA_HOME, then `java` on PATH, then /usr/lib/jvm/*. Sourced by ./jsock, ./run-tests and .ci/run.

jsock_java_feature() {
    # Prints the feature version of the java binary $1 (17, 25, ...), or nothing.
    "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

jsock_find_jdk() {
    local candidates=() c v home
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
    c=$(command -v java 2>/dev/null) && candidates+=("$(readlink -f "$c")")
    # JSOCK_JVM_DIRS (tests) replaces the system's JDK folder.
    for c in ${JSOCK_JVM_DIRS:-/usr/lib/jvm}/*/bin/java; do [ -x "$c" ] && candidates+=("$c"); done
    for c in "${candidates[@]}"; do
        [ -x "$c" ] || continue
        v=$(jsock_java_feature "$c")
        if [ -n "$v" ] && [ "$v" -ge 25 ]; then
            home=$(dirname "$(dirname "$c")")
            # javac must be there too: a JRE cannot build jsock.
            if [ -x "$home/bin/javac" ]; then
                export JAVA_HOME="$home"
                JAVA="$c"
                return 0
            fi
        fi
    done
    echo "jsock: no JDK 25 or later found (looked at \$JAVA_HOME, java on PATH, /usr/lib/jvm/*); install one or set JAVA_HOME" >&2
    return 2
}
