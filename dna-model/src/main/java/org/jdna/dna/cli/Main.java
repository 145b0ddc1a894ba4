package org.jdna.dna.cli;

/** Entry point of target/jdna.jar (the subcommands arrive with the CLI step). */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("jdna 0.1.0-SNAPSHOT");
    }
}
