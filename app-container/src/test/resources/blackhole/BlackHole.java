import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * An upstream that stops answering, as a process of its own (its sockets do not count against the
 * test JVM's open-file limit): it accepts every connection on a loopback port, prints the port, and
 * never reads or writes a byte. It exits when its standard input closes, that is with the test.
 * Run as a single-file source program: {@code java BlackHole.java}.
 */
public final class BlackHole {

    private BlackHole() {
    }

    public static void main(String[] args) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", 0), 8192);
        System.out.println(((InetSocketAddress) server.getLocalAddress()).getPort());
        System.out.flush();
        List<SocketChannel> held = new ArrayList<>();
        Thread.ofPlatform().daemon().start(() -> {
            while (true) {
                try {
                    held.add(server.accept());
                } catch (IOException e) {
                    return;
                }
            }
        });
        while (System.in.read() >= 0) {
            // Until the test closes the pipe.
        }
        System.exit(0);
    }
}
