// e2e_tests links plain GoogleTest (not gtest_main): the runner ignores SIGPIPE so that a
// server closing a connection early (413) fails a request, not the whole process.
#include <gtest/gtest.h>

#include <csignal>

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
