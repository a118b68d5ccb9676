package io.llmblender.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The pass gate: permits bound concurrent passes, close waits for passes in flight, later passes are refused. */
class PassGateTest {
    @Test
    void no_more_passes_run_at_once_than_there_are_permits() throws Exception {
        PassGate gate = new PassGate("test model", 2);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch twoIn = new CountDownLatch(2);
        CompletableFuture<?>[] passes = new CompletableFuture<?>[5];
        for (int i = 0; i < passes.length; i++) {
            passes[i] = CompletableFuture.runAsync(() -> gate.pass(() -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                twoIn.countDown();
                await(release);
                running.decrementAndGet();
                return null;
            }));
        }
        assertThat(twoIn.await(10, TimeUnit.SECONDS)).isTrue();
        release.countDown();
        CompletableFuture.allOf(passes).get(10, TimeUnit.SECONDS);
        assertThat(most.get()).isEqualTo(2);
    }

    @Test
    void close_waits_for_the_pass_in_flight_and_later_passes_are_refused() throws Exception {
        PassGate gate = new PassGate("PairRM (models/x)", 1);
        CountDownLatch inPass = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicInteger freedWhilePassing = new AtomicInteger(-1);
        AtomicInteger passDone = new AtomicInteger();
        CompletableFuture<Integer> pass = CompletableFuture.supplyAsync(() -> gate.pass(() -> {
            inPass.countDown();
            await(finish);
            passDone.set(1);
            return 42;
        }));
        assertThat(inPass.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> closing =
                CompletableFuture.runAsync(() -> gate.close(() -> freedWhilePassing.set(passDone.get())));
        // the close is waiting: the pass still holds the model
        Thread.sleep(100); // lets a (wrong) close run ahead; the assertion below does not depend on the timing
        assertThat(closing).isNotDone();
        finish.countDown();
        assertThat(pass.get(10, TimeUnit.SECONDS)).isEqualTo(42);
        closing.get(10, TimeUnit.SECONDS);
        assertThat(freedWhilePassing.get())
                .as("the weights were freed after the pass finished")
                .isEqualTo(1);
        assertThat(gate.isClosed()).isTrue();
        assertThatThrownBy(() -> gate.pass(() -> 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("PairRM (models/x) is closed; load it again to run more passes");
        gate.close(() -> {
            throw new AssertionError("a second close must not free again");
        });
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the test never released the pass");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
