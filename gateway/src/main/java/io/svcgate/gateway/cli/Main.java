package io.svcgate.gateway.cli;

/** Entry point of the svcgate / om launcher. */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) {
    System.out.println("svcgate");
  }
}
