package org.jsock.bench;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A PNG bar chart per workload, drawn with java.awt in headless mode: one group of horizontal bars
 * per configuration (or per metric), one bar per peer, coloured by family, the reference peer's
 * median (C epoll, C plain UDP, openssl) marked with a line.
 */
final class Chart {
    private Chart() {}

    private static final int WIDTH = 1100;
    private static final int LABEL = 230;
    private static final int BAR = 15;
    private static final int GAP = 26;

    /** One group: its title and, per peer, the value. */
    record Group(String title, List<String> peers, double[] values, double reference) {}

    static void write(Path file, String title, String unit, String reference, List<Group> groups) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int rows = groups.stream().mapToInt(g -> g.peers().size()).sum();
        int height = 70 + rows * BAR + groups.size() * GAP + 30;
        BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title + " (" + unit + ")", 12, 26);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString("median of runs; the dashed line is " + reference + "; grey C, blue java.nio, green Netty, orange jsock", 12, 44);

        int plotW = WIDTH - LABEL - 110;
        int y = 64;
        for (Group gr : groups) {
            double max = 0;
            for (double v : gr.values()) if (!Double.isNaN(v)) max = Math.max(max, v);
            if (!Double.isNaN(gr.reference())) max = Math.max(max, gr.reference());
            if (max <= 0) max = 1;
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
            g.drawString(gr.title(), 12, y + 12);
            y += 18;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            int top = y;
            for (int i = 0; i < gr.peers().size(); i++) {
                String peer = gr.peers().get(i);
                double v = gr.values()[i];
                g.setColor(Color.DARK_GRAY);
                g.drawString(peer, 24, y + BAR - 4);
                if (!Double.isNaN(v)) {
                    int w = (int) Math.round(v / max * plotW);
                    g.setColor(colour(peer));
                    g.fillRect(LABEL, y + 2, Math.max(1, w), BAR - 3);
                    g.setColor(Color.BLACK);
                    g.drawString(Report.fmt(v), LABEL + w + 6, y + BAR - 4);
                } else {
                    g.drawString("not measured", LABEL + 6, y + BAR - 4);
                }
                y += BAR;
            }
            if (!Double.isNaN(gr.reference())) {
                int x = LABEL + (int) Math.round(gr.reference() / max * plotW);
                g.setColor(Color.RED);
                g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {4f, 3f}, 0f));
                g.drawLine(x, top, x, y);
                g.setStroke(new BasicStroke());
            }
            y += GAP - 18;
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static Color colour(String peer) {
        if (peer.startsWith("c-") || peer.startsWith("openssl") || peer.startsWith("iperf3")) return new Color(0x80, 0x80, 0x80);
        if (peer.startsWith("nio")) return new Color(0x3b, 0x75, 0xc4);
        if (peer.startsWith("netty")) return new Color(0x3c, 0xa0, 0x4c);
        return new Color(0xe8, 0x8a, 0x1a);
    }

    /** Groups for a workload: one per configuration, on its main metric. */
    static List<Group> groups(Workload w) {
        List<Group> out = new ArrayList<>();
        for (var ce : w.samples.entrySet()) {
            List<String> peers = new ArrayList<>(ce.getValue().keySet());
            double[] v = peers.stream().mapToDouble(p -> w.median(ce.getKey(), p)).toArray();
            out.add(new Group(ce.getKey(), peers, v, w.median(ce.getKey(), w.ref1)));
        }
        return out;
    }

    /** Groups for latency: one per percentile. */
    static List<Group> percentileGroups(Workload w, List<String> metrics) {
        List<Group> out = new ArrayList<>();
        for (var ce : w.samples.entrySet()) {
            List<String> peers = new ArrayList<>(ce.getValue().keySet());
            for (String m : metrics) {
                double[] v = peers.stream().mapToDouble(p -> w.median(ce.getKey(), p, m)).toArray();
                out.add(new Group(ce.getKey() + " " + m, peers, v, w.median(ce.getKey(), w.ref1, m)));
            }
        }
        return out;
    }
}
