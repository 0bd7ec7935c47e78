# Shared by the scripts: run from the repository root with the Swift toolchain on PATH.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v swift >/dev/null 2>&1; then
    if [ -x /opt/swift/usr/bin/swift ]; then
        export PATH="/opt/swift/usr/bin:$PATH"
    else
        echo "error: the Swift 6 toolchain is not on PATH (expected swift, or /opt/swift/usr/bin/swift)" >&2
        exit 2
    fi
fi
