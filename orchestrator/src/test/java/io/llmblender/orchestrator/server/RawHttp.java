package io.llmblender.orchestrator.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A client that speaks HTTP byte by byte over a plain socket: what an attacker does that a well-behaved client
 * library never would (trickled headers, a body that never ends, garbage request lines).
 */
final class RawHttp implements AutoCloseable {
    /** What the server did: answered with a status (and body), or closed the connection without an answer. */
    record Reply(int status, String text) {
        boolean closedWithoutAnswer() {
            return status == -1;
        }

        String body() {
            int split = text.indexOf("\r\n\r\n");
            return split < 0 ? "" : text.substring(split + 4);
        }
    }

    private final Socket socket;

    RawHttp(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(30_000); // the longest any test waits for the server to act
    }

    void send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    /** Sends one byte; false once the server has closed the connection. */
    boolean trickle(char c) {
        try {
            send(String.valueOf(c));
            return true;
        } catch (IOException closed) {
            return false;
        }
    }

    /** Everything until the server closes the connection (at most 30 s), as a status and the raw text. */
    Reply readToClose() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                all.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("the server neither answered nor closed the connection within 30 s", e);
        } catch (IOException reset) {
            // a reset after the answer (or instead of one) is a close too
        }
        String text = all.toString(StandardCharsets.UTF_8);
        if (!text.startsWith("HTTP/1.1 ")) {
            return new Reply(-1, text);
        }
        return new Reply(Integer.parseInt(text.substring(9, 12)), text);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
