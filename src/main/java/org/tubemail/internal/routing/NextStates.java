package org.tubemail.internal.routing;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The states a state method may move its sender to, read from its bytecode: the constants of the
 * module's state enum that the method names, or, for a module with string states, the string
 * constants it holds. The router checks at load time that each of them has a method, and draws
 * them ({@link StateGraph}). Code in lambdas and in other methods the state method calls is not
 * read: a state reached only that way is missing from the drawing and from the check.
 */
final class NextStates {

    private NextStates() {
    }

    /**
     * Reads {@code method}'s bytecode.
     *
     * @param states the module's state enum, or {@code null} for string states
     * @return the names it holds, in order of appearance; empty when the class file cannot be read
     */
    static Optional<Set<String>> of(Method method, Class<?> states) {
        Class<?> type = method.getDeclaringClass();
        ClassLoader loader = type.getClassLoader() != null ? type.getClassLoader() : ClassLoader.getSystemClassLoader();
        try (InputStream in = loader.getResourceAsStream(type.getName().replace('.', '/') + ".class")) {
            if (in == null) {
                return Optional.empty();
            }
            Set<String> found = new LinkedHashSet<>();
            new ClassReader(in).accept(new Finder(method, states, found), ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
            return Optional.of(found);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Visits the one method and collects the state names it refers to. */
    private static final class Finder extends ClassVisitor {
        private final String name;
        private final String descriptor;
        private final String enumType;
        private final Set<String> found;

        Finder(Method method, Class<?> states, Set<String> found) {
            super(Opcodes.ASM9);
            this.name = method.getName();
            this.descriptor = Type.getMethodDescriptor(method);
            this.enumType = states == null ? null : Type.getInternalName(states);
            this.found = found;
        }

        @Override
        public MethodVisitor visitMethod(int access, String methodName, String methodDescriptor, String signature, String[] exceptions) {
            if (!methodName.equals(name) || !methodDescriptor.equals(descriptor)) {
                return null;
            }
            return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public void visitFieldInsn(int opcode, String owner, String field, String fieldDescriptor) {
                    if (enumType != null && opcode == Opcodes.GETSTATIC && owner.equals(enumType)
                            && fieldDescriptor.equals("L" + enumType + ";")) {
                        found.add(field);
                    }
                }

                @Override
                public void visitLdcInsn(Object value) {
                    if (enumType == null && value instanceof String s) {
                        found.add(s);
                    }
                }
            };
        }
    }
}
