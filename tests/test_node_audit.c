/* test_node_audit.c — unit tests for node_audit.c's comparison: which nodes' digests differ from node 1's. */
#include "node_audit.h"

#include <string.h>

#include "check.h"

int main(void)
{
    uint64_t same[3] = {42, 42, 42}, one_off[3] = {42, 41, 42}, two_off[3] = {42, 7, 8};
    uint64_t first_off[3] = {1, 42, 42}, single[1] = {42};
    check(node_digests_disagree(same, 3) == 0, "3 equal digests: nodes agree (0)");
    check(node_digests_disagree(one_off, 3) == 1, "node 2 differs: 1");
    check(node_digests_disagree(two_off, 3) == 2, "nodes 2 and 3 differ (also from each other): 2");
    check(node_digests_disagree(first_off, 3) == 2, "node 1 differs from the rest: the 2 others count");
    check(node_digests_disagree(single, 1) == 0, "one node: nothing to disagree with");
    check(node_digests_disagree(same, 0) == 0, "no node: 0");
    char which[32];
    node_digests_name(one_off, 3, which, sizeof which);
    check(strcmp(which, "node 2") == 0, "node 2 differs: named 'node 2'");
    node_digests_name(two_off, 3, which, sizeof which);
    check(strcmp(which, "nodes 2, 3") == 0, "nodes 2 and 3 differ: named 'nodes 2, 3'");
    node_digests_name(same, 3, which, sizeof which);
    check(strcmp(which, "") == 0, "all agree: no name");
    node_digests_name(two_off, 3, which, 8);
    check(strlen(which) < 8, "a short buffer: cut, still terminated");
    return check_summary();
}
