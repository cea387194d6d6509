// What a test run may do. The test runs in its own JVM (process group killed after the time
// limit) with the working directory and java.io.tmpdir in the scratch area, under a small
// SecurityManager (Java 17 still honours `-Djava.security.manager=<class>`) that refuses:
//   - System.exit / Runtime.halt from anything but the console launcher itself,
//   - sockets (connect, listen, accept: any host, loopback included),
//   - writing or deleting files outside the allowed roots (the scratch copy, its temp folder),
//   - starting processes, and replacing the security manager.
// A refusal is a SecurityException whose message starts with SANDBOX_PREFIX; verification reports
// it as an error that names what the test tried. Reading files is allowed (classpath, resources).
import * as path from 'node:path';
import type { Toolchain } from './toolchain';
import { compileHelperClass } from './helper-class';
import { runProcess } from '../util/process';

export const SANDBOX_CLASS = 'TesttuneSandbox';
export const SANDBOX_PREFIX = 'TestTune sandbox refused';

const SOURCE = `import java.io.File;
import java.io.FilePermission;
import java.net.SocketPermission;
import java.security.Permission;

/** Installed with -Djava.security.manager=${SANDBOX_CLASS}; roots from -Dtesttune.sandbox.roots. */
public final class ${SANDBOX_CLASS} extends SecurityManager {
  private final String[] roots;

  public ${SANDBOX_CLASS}() {
    String list = System.getProperty("testtune.sandbox.roots", "");
    String[] parts = list.isEmpty() ? new String[0] : list.split(File.pathSeparator);
    roots = new String[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String canonical;
      try {
        canonical = new File(parts[i]).getCanonicalPath();
      } catch (Exception e) {
        canonical = new File(parts[i]).getAbsolutePath();
      }
      roots[i] = canonical;
    }
  }

  @Override
  public void checkPermission(Permission perm) {
    check(perm);
  }

  @Override
  public void checkPermission(Permission perm, Object context) {
    check(perm);
  }

  private void check(Permission perm) {
    if (perm instanceof RuntimePermission) {
      String name = perm.getName();
      if (name.startsWith("exitVM") && !launcherIsExiting()) {
        throw new SecurityException("${SANDBOX_PREFIX}: System.exit(" + name.substring(Math.min(name.length(), 7)) + ")");
      }
      if (name.equals("setSecurityManager")) throw new SecurityException("${SANDBOX_PREFIX}: replacing the security manager");
    } else if (perm instanceof SocketPermission) {
      String actions = perm.getActions();
      if (actions.contains("connect") || actions.contains("listen") || actions.contains("accept")) {
        throw new SecurityException("${SANDBOX_PREFIX}: network access (" + actions + " " + perm.getName() + ")");
      }
    } else if (perm instanceof FilePermission) {
      String actions = perm.getActions();
      if (actions.contains("execute")) throw new SecurityException("${SANDBOX_PREFIX}: starting a process (" + perm.getName() + ")");
      if ((actions.contains("write") || actions.contains("delete")) && !allowed(perm.getName())) {
        throw new SecurityException("${SANDBOX_PREFIX}: writing outside the scratch copy (" + perm.getName() + ")");
      }
    }
  }

  private boolean allowed(String file) {
    String p;
    try {
      p = new File(file).getCanonicalPath();
    } catch (Exception e) {
      return false;
    }
    for (String r : roots) if (p.equals(r) || p.startsWith(r + File.separator)) return true;
    return false;
  }

  /** True when the frame that called System.exit/Runtime.halt is the console launcher's. */
  private static boolean launcherIsExiting() {
    return StackWalker.getInstance().walk(frames -> frames
        .map(StackWalker.StackFrame::getClassName)
        .filter(c -> !c.startsWith("java.") && !c.equals("${SANDBOX_CLASS}"))
        .findFirst()
        .map(c -> c.startsWith("org.junit.platform.console."))
        .orElse(false));
  }
}
`;

let javaMajor: Promise<number | undefined> | undefined;

/** The major version of `java` on PATH ("17.0.21" → 17), once per process; undefined when unreadable. */
function javaMajorVersion(tc: Toolchain): Promise<number | undefined> {
  javaMajor ??= runProcess(tc.java, ['-version'], { timeoutMs: 30_000 }).then((r) => {
    const m = /version "(\d+)(?:\.(\d+))?/.exec(r.stderr + r.stdout);
    if (!m) return undefined;
    return m[1] === '1' ? Number(m[2]) : Number(m[1]); // "1.8.0_x" is Java 8
  });
  return javaMajor;
}

/**
 * Compiles the sandbox class into `<cacheDir>/sandbox` once; returns its directory or an error.
 * From Java 24 on (JEP 486) a JVM refuses to start with a security manager: then `unsupported` says
 * so and the run goes without it (time limit, process-group kill and the scratch working directory
 * still apply; exits, sockets and writes are then not refused).
 */
export async function prepareSandbox(tc: Toolchain, cacheDir: string): Promise<{ dir?: string; error?: string; unsupported?: string }> {
  const major = await javaMajorVersion(tc);
  if (major !== undefined && major >= 24) return { unsupported: `Java ${major} no longer allows a security manager: the test ran without the sandbox's refusals` };
  return compileHelperClass(tc.javac, { dir: path.join(cacheDir, 'sandbox-v1'), className: SANDBOX_CLASS, source: SOURCE, javacArgs: ['--release', '11'], what: 'the sandbox class' });
}

/** JVM options that install the sandbox; `roots` are the folders the test may write in. */
export function sandboxJvmArgs(roots: string[], tmpDir: string): string[] {
  return [
    `-Djava.security.manager=${SANDBOX_CLASS}`,
    `-Dtesttune.sandbox.roots=${roots.join(path.delimiter)}`,
    `-Djava.io.tmpdir=${tmpDir}`,
  ];
}

/** The refusal in a failure message or log ("System.exit(3)", "network access (...)"), if any. */
export function sandboxRefusal(text: string): string | undefined {
  const m = new RegExp(`${SANDBOX_PREFIX}: ([^\\n]*)`).exec(text);
  return m ? m[1].trim() : undefined;
}
