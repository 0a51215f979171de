package dev.formwork.runtimes.tensorflow;

import dev.formwork.ir.FormworkException;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Session;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where TensorFlow Java comes from when a SavedModel is opened. When it is on the class path (a
 * library user who declares it, the tests) it is used as it is. Otherwise its jars are loaded by
 * a child class loader, so that a process which never opens a SavedModel (the command line
 * converting to other targets) carries none of its 160 MB of natives on its class path: the jars
 * named by the system property {@value #PATH_PROPERTY} (jars or folders of jars, separated like a
 * class path), else the folder {@code tensorflow/} beside the formwork-runtimes jar (the command
 * line's build copies them to {@code cli/target/lib/tensorflow/}).
 */
final class TensorFlowJava {
    static final String PATH_PROPERTY = "formwork.tensorflow.path";
    static final String FOLDER = "tensorflow";
    private static final String PROBE = "org.tensorflow.SavedModelBundle";
    /** The adapter class the child loader defines itself, so its TensorFlow references resolve there. */
    private static final String ADAPTER = "dev.formwork.runtimes.tensorflow.TfSession";
    /** One child loader per process: TensorFlow's natives can be loaded only once. */
    private static Method isolatedOpen;

    private TensorFlowJava() {}

    static Session open(Path dir, RunOptions options) {
        if (onClassPath()) return TfSession.open(dir, options);
        try {
            return (Session) isolatedOpen(dir).invoke(null, dir, options);
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause();
            if (opensNeeded(c)) {
                throw new FormworkException(dir + ": TensorFlow Java's natives, loaded from their own jars, need the JVM flag "
                        + "--add-opens java.base/java.lang=ALL-UNNAMED (the formwork-cli jar's manifest gives it to java -jar)");
            }
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new FormworkException(dir + ": TensorFlow Java failed: " + c, c);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * JavaCPP ties a native library to the class loader of the class that loads it through
     * java.lang.Runtime's internals when that loader is not its own, which needs java.lang open.
     */
    private static boolean opensNeeded(Throwable t) {
        for (; t != null; t = t.getCause()) if (t instanceof java.lang.reflect.InaccessibleObjectException) return true;
        return false;
    }

    private static boolean onClassPath() {
        try {
            Class.forName(PROBE, false, TensorFlowJava.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static synchronized Method isolatedOpen(Path dir) {
        if (isolatedOpen != null) return isolatedOpen;
        String property = System.getProperty(PATH_PROPERTY, "");
        List<Path> roots = new ArrayList<>();
        if (property.isBlank()) roots.add(besideRuntimes());
        else for (String p : property.split(File.pathSeparator)) if (!p.isBlank()) roots.add(Path.of(p));
        List<URL> jars = new ArrayList<>();
        for (Path root : roots) jars.addAll(jars(root));
        String where = property.isBlank() ? roots.get(0).toString() : "-D" + PATH_PROPERTY + "=" + property;
        if (jars.isEmpty()) throw missing(dir, "no jars in " + where);
        ClassLoader loader = new AdapterLoader(jars.toArray(URL[]::new), TensorFlowJava.class.getClassLoader());
        try {
            Class.forName(PROBE, false, loader);
            Method m = Class.forName(ADAPTER, true, loader).getMethod("open", Path.class, RunOptions.class);
            isolatedOpen = m;
            return m;
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            throw missing(dir, "the jars in " + where + " lack " + e.getMessage());
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    private static FormworkException missing(Path dir, String why) {
        return new FormworkException(dir + ": running a SavedModel needs TensorFlow Java (org.tensorflow:tensorflow-core-api and "
                + "tensorflow-core-native 1.1.0, classifier linux-x86_64), not on the class path and " + why
                + "; build the command line (mvn -pl cli -am package copies them to cli/target/lib/" + FOLDER + "/) or set -D"
                + PATH_PROPERTY + " to them");
    }

    /** {@code tensorflow/} beside the jar (or classes folder) this class was loaded from. */
    private static Path besideRuntimes() {
        try {
            Path self = Path.of(TensorFlowJava.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return self.toAbsolutePath().getParent().resolve(FOLDER);
        } catch (URISyntaxException | NullPointerException | IllegalArgumentException e) {
            return Path.of(FOLDER).toAbsolutePath();
        }
    }

    /** A jar itself, or a folder's jars in name order. */
    private static List<URL> jars(Path root) {
        try {
            if (Files.isRegularFile(root)) return List.of(root.toUri().toURL());
            if (!Files.isDirectory(root)) return List.of();
            List<URL> out = new ArrayList<>();
            try (Stream<Path> s = Files.list(root)) {
                for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) out.add(p.toUri().toURL());
            }
            return out;
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parent-first for everything (Formwork's own types, protobuf, JavaCPP stay shared) except
     * the adapter, which it defines from the parent's class bytes: a class resolves the types
     * it names through its own loader, and only this one sees TensorFlow's jars.
     */
    private static final class AdapterLoader extends URLClassLoader {
        static {
            registerAsParallelCapable();
        }

        AdapterLoader(URL[] jars, ClassLoader parent) {
            super("tensorflow-java", jars, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(ADAPTER) && !name.startsWith(ADAPTER + "$")) return super.loadClass(name, resolve);
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                        if (in == null) throw new ClassNotFoundException(name);
                        byte[] b = in.readAllBytes();
                        c = defineClass(name, b, 0, b.length, TensorFlowJava.class.getProtectionDomain());
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                if (resolve) resolveClass(c);
                return c;
            }
        }
    }
}
